package dev.cumulus.externaltask;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/** JSON columns: written and read with the application's ObjectMapper. */
@Component
public class Json {

  private final ObjectMapper mapper;

  public Json(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public <T> T read(String json, Class<T> type) {
    return read(json, mapper.getTypeFactory().constructType(type));
  }

  public <T> T read(String json, TypeReference<T> type) {
    return read(json, mapper.getTypeFactory().constructType(type));
  }

  private <T> T read(String json, com.fasterxml.jackson.databind.JavaType type) {
    if (json == null) {
      return null;
    }
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read stored JSON as " + type, e);
    }
  }

  public ObjectMapper mapper() {
    return mapper;
  }
}
