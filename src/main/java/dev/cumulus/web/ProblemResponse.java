package dev.cumulus.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A problem answer that belongs to this operation (404 for what its path names, 409, 422, 429), for
 * the OpenAPI document: openapi.OpenApiContract gives it the problem body and example. 400, 401 and 403
 * are added where they apply without saying so. (Not springdoc's {@code @ApiResponse}: declaring that
 * would drop the success answer springdoc derives from the return type.)
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(ProblemResponse.List.class)
public @interface ProblemResponse {

  /** The HTTP status, 4xx. */
  int status();

  /** When it is answered. */
  String description();

  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface List {
    ProblemResponse[] value();
  }
}
