package dev.cumulus.reports.odata;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.provider.CsdlProperty;

/** A property of an entity type: its name, type, whether it may be null, and its value in a row. */
record Column<R>(String name, EdmPrimitiveTypeKind type, boolean nullable, Function<R, Object> value) {

  /** Moments to the millisecond (the precision the feed declares). */
  static final int TIME_PRECISION = 3;

  static <R> Column<R> time(String name, Function<R, Object> value) {
    return new Column<>(name, EdmPrimitiveTypeKind.DateTimeOffset, true, value);
  }

  static <R> Column<R> text(String name, Function<R, Object> value) {
    return new Column<>(name, EdmPrimitiveTypeKind.String, true, value);
  }

  static <R> Column<R> number(String name, Function<R, Object> value) {
    return new Column<>(name, EdmPrimitiveTypeKind.Int64, false, value);
  }

  static <R> Column<R> integer(String name, Function<R, Object> value) {
    return new Column<>(name, EdmPrimitiveTypeKind.Int32, true, value);
  }

  static <R> Column<R> decimal(String name, Function<R, Object> value) {
    return new Column<>(name, EdmPrimitiveTypeKind.Double, true, value);
  }

  Column<R> required() {
    return new Column<>(name, type, false, value);
  }

  CsdlProperty property() {
    var p = new CsdlProperty().setName(name).setType(type.getFullQualifiedName()).setNullable(nullable);
    return type == EdmPrimitiveTypeKind.DateTimeOffset ? p.setPrecision(TIME_PRECISION) : p;
  }

  Object valueOf(R row) {
    Object v = value.apply(row);
    if (v instanceof OffsetDateTime t) {
      return t.toInstant().truncatedTo(ChronoUnit.MILLIS);
    }
    if (v instanceof Instant t) {
      return t.truncatedTo(ChronoUnit.MILLIS);
    }
    return v;
  }
}
