package dev.cumulus.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.OffsetDateTime;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * JSON as the contract says it: a wrong type is 400, not a guess. One value per body (no trailing
 * tokens), no duplicate keys, no number or boolean for a text, no string for a number, no number
 * for an enum or a date-time, enum names exactly as written, and no NUL character in a text
 * (PostgreSQL cannot store it).
 */
@Configuration
class StrictJson {

  @Bean
  Jackson2ObjectMapperBuilderCustomizer strictJsonInput() {
    return builder -> builder
        .featuresToEnable(
            DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
            DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
            JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .featuresToDisable(
            DeserializationFeature.ACCEPT_FLOAT_AS_INT,
            DeserializationFeature.READ_ENUMS_USING_TO_STRING,
            MapperFeature.ALLOW_COERCION_OF_SCALARS,
            MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .deserializerByType(String.class, new Text())
        .deserializerByType(OffsetDateTime.class, new DateTime())
        .postConfigurer(mapper -> {
          for (LogicalType strict : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean, LogicalType.Enum, LogicalType.DateTime}) {
            var config = mapper.coercionConfigFor(strict);
            for (CoercionInputShape shape : CoercionInputShape.values()) {
              if (strict != LogicalType.Textual || shape != CoercionInputShape.EmptyString) {
                config.setCoercion(shape, CoercionAction.Fail);
              }
            }
          }
        });
  }

  /** A text that PostgreSQL can store: the default string reading, without the NUL character. */
  static final class Text extends StdScalarDeserializer<String> {
    Text() {
      super(String.class);
    }

    @Override
    public LogicalType logicalType() {
      return LogicalType.Textual;
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext context) throws IOException {
      String value = p.hasToken(JsonToken.VALUE_STRING) ? p.getText() : StringDeserializer.instance.deserialize(p, context);
      if (value != null && value.indexOf('\0') >= 0) {
        throw new NulCharacter(p, value);
      }
      return value;
    }
  }

  /** An RFC 3339 text only: a number would be read as epoch seconds or milliseconds, a guess. */
  static final class DateTime extends StdScalarDeserializer<OffsetDateTime> {
    DateTime() {
      super(OffsetDateTime.class);
    }

    @Override
    public OffsetDateTime deserialize(JsonParser p, DeserializationContext context) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (OffsetDateTime) context.handleUnexpectedToken(OffsetDateTime.class, p);
      }
      return InstantDeserializer.OFFSET_DATE_TIME.deserialize(p, context);
    }
  }

  /** The NUL character in a text: named as its own rule. */
  static final class NulCharacter extends InvalidFormatException {
    NulCharacter(JsonParser p, String value) {
      super(p, "must not contain the NUL character (\\u0000)", value, String.class);
    }
  }
}
