package dev.cumulus.reports.odata;

import dev.cumulus.reports.ReportPages;
import dev.cumulus.security.Caller;
import java.util.List;
import java.util.Map;
import org.apache.olingo.commons.api.edm.FullQualifiedName;

/**
 * An entity set of the feed: its entity type's properties (the key first, in the order of the rows),
 * the property $filter compares moments on, the text properties it may name services or agents by,
 * and how to read a page of it.
 */
record ReportSet<R>(
    String name, String typeName, List<Column<R>> columns, List<String> keys, String timeProperty, Map<String, Who> filterable, Reader<R> reader) {

  static final String NAMESPACE = "Cumulus.Reports";

  /** What a text property in $filter names. */
  enum Who {
    service,
    agent
  }

  interface Reader<R> {
    ReportPages.Page<R> read(ReportPages.Query query, Caller caller);
  }

  FullQualifiedName type() {
    return new FullQualifiedName(NAMESPACE, typeName);
  }
}
