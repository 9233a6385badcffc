package dev.cumulus.reports.odata;

import dev.cumulus.reports.TimeRange;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.expression.Binary;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;

/**
 * A $filter as the conditions the database applies: a range of moments on the set's time property
 * (ge, gt, le, lt, eq) and the services or agents named (eq, in), joined by and. Anything else is
 * answered 501, so that no filter is ignored and none is applied in memory over a year of rows.
 */
final class Filters {

  /** The conditions: services and agents null when not named, empty when none can match. */
  record Conditions(TimeRange time, Set<String> services, Set<String> agents) {

    static final Conditions NONE = new Conditions(TimeRange.ALL, null, null);

    Conditions and(Conditions other) {
      return new Conditions(time.intersect(other.time), both(services, other.services), both(agents, other.agents));
    }

    private static Set<String> both(Set<String> a, Set<String> b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      var common = new LinkedHashSet<>(a);
      common.retainAll(b);
      return common;
    }
  }

  private Filters() {}

  static Conditions of(Expression filter, ReportSet<?> set) throws ODataApplicationException {
    if (filter == null) {
      return Conditions.NONE;
    }
    if (filter instanceof Binary binary) {
      BinaryOperatorKind op = binary.getOperator();
      if (op == BinaryOperatorKind.AND) {
        return of(binary.getLeftOperand(), set).and(of(binary.getRightOperand(), set));
      }
      if (op == BinaryOperatorKind.IN) {
        return in(binary, set);
      }
      if (List.of(BinaryOperatorKind.EQ, BinaryOperatorKind.GE, BinaryOperatorKind.GT, BinaryOperatorKind.LE, BinaryOperatorKind.LT).contains(op)) {
        return comparison(binary, set);
      }
    }
    throw unsupported(set);
  }

  private static Conditions comparison(Binary binary, ReportSet<?> set) throws ODataApplicationException {
    BinaryOperatorKind op = binary.getOperator();
    Expression left = binary.getLeftOperand();
    Expression right = binary.getRightOperand();
    if (left instanceof Literal && right instanceof Member) {
      // 2026-01-01T00:00:00Z le start is start ge 2026-01-01T00:00:00Z
      Expression swap = left;
      left = right;
      right = swap;
      op = switch (op) {
        case GE -> BinaryOperatorKind.LE;
        case GT -> BinaryOperatorKind.LT;
        case LE -> BinaryOperatorKind.GE;
        case LT -> BinaryOperatorKind.GT;
        default -> op;
      };
    }
    if (!(left instanceof Member member) || !(right instanceof Literal literal)) {
      throw unsupported(set);
    }
    String property = property(member, set);
    if (property.equals(set.timeProperty())) {
      Instant at = moment(literal, property);
      TimeRange time = switch (op) {
        case GE -> TimeRange.from(at, true);
        case GT -> TimeRange.from(at, false);
        case LE -> TimeRange.until(at, true);
        case LT -> TimeRange.until(at, false);
        default -> TimeRange.exactly(at);
      };
      return new Conditions(time, null, null);
    }
    ReportSet.Who who = set.filterable().get(property);
    if (who == null || op != BinaryOperatorKind.EQ) {
      throw unsupported(set);
    }
    return named(who, Set.of(text(literal, property, set)));
  }

  private static Conditions in(Binary binary, ReportSet<?> set) throws ODataApplicationException {
    if (!(binary.getLeftOperand() instanceof Member member)) {
      throw unsupported(set);
    }
    String property = property(member, set);
    ReportSet.Who who = set.filterable().get(property);
    if (who == null || binary.getExpressions() == null) {
      throw unsupported(set);
    }
    var values = new HashSet<String>();
    for (Expression e : binary.getExpressions()) {
      if (!(e instanceof Literal literal)) {
        throw unsupported(set);
      }
      values.add(text(literal, property, set));
    }
    return named(who, values);
  }

  private static Conditions named(ReportSet.Who who, Set<String> values) {
    return who == ReportSet.Who.service ? new Conditions(TimeRange.ALL, values, null) : new Conditions(TimeRange.ALL, null, values);
  }

  private static String property(Member member, ReportSet<?> set) throws ODataApplicationException {
    List<UriResource> parts = member.getResourcePath().getUriResourceParts();
    if (parts.size() != 1 || !(parts.get(0) instanceof UriResourcePrimitiveProperty p)) {
      throw unsupported(set);
    }
    return p.getProperty().getName();
  }

  /** A DateTimeOffset literal, or a date (its start in UTC). */
  private static Instant moment(Literal literal, String property) throws ODataApplicationException {
    String text = literal.getText();
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeException e2) {
        throw new ODataApplicationException(
            property + " compares with a date-time with offset such as 2026-11-30T08:00:00Z, not " + text,
            HttpStatusCode.BAD_REQUEST.getStatusCode(), Locale.ROOT);
      }
    }
  }

  /** A string literal without its quotes ('' stands for one). */
  private static String text(Literal literal, String property, ReportSet<?> set) throws ODataApplicationException {
    String text = literal.getText();
    boolean string = literal.getType() != null && literal.getType().getFullQualifiedName().equals(EdmPrimitiveTypeKind.String.getFullQualifiedName());
    if (!string || text.length() < 2 || !text.startsWith("'") || !text.endsWith("'")) {
      throw new ODataApplicationException(
          property + " compares with a string such as 'support@contoso.com', not " + text, HttpStatusCode.BAD_REQUEST.getStatusCode(), Locale.ROOT);
    }
    return text.substring(1, text.length() - 1).replace("''", "'");
  }

  private static ODataApplicationException unsupported(ReportSet<?> set) {
    var named = String.join(", ", set.filterable().keySet().stream().sorted().toList());
    return new ODataApplicationException(
        set.name() + " filters on " + set.timeProperty() + " (ge, gt, le, lt, eq) and on " + named
            + " (eq, in), joined by and; filter other properties after loading",
        HttpStatusCode.NOT_IMPLEMENTED.getStatusCode(), Locale.ROOT);
  }
}
