package dev.cumulus.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.stereotype.Component;

/**
 * Requests the security firewall rejects before any chain runs (a TRACE, a ';' or an encoded '.'
 * in the path) answer 400 problem+json here: the default handler's error page would be rejected
 * again for a TRACE and end with an empty body.
 */
@Component
class RejectedRequests implements RequestRejectedHandler {

  private final ObjectMapper mapper;

  RejectedRequests(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected) throws IOException {
    Problems.write(request, response, HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Request rejected",
        "the request was rejected before it reached Cumulus: a method other than GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS, "
            + "or a ';', an encoded '/', '.' or '%' or a NUL in the path",
        List.of(), mapper);
  }
}
