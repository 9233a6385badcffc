package dev.cumulus.reports.odata;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataHttpHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reports as an OData v4 service at /v1/odata/ (Power BI's and Excel's OData feed), served by
 * Apache Olingo behind the API's security (HTTP Basic, X-API-Key). Read only: GET. Its $metadata
 * describes it, so it stays out of the OpenAPI document.
 */
@Hidden
@RestController
class ODataEndpoint {

  static final String ROOT = "/v1/odata";

  private final ReportSets sets;
  private final ODataProperties properties;
  private final ObjectMapper mapper;

  ODataEndpoint(ReportSets sets, ODataProperties properties, ObjectMapper mapper) {
    this.sets = sets;
    this.properties = properties;
    this.mapper = mapper;
  }

  @GetMapping({ROOT, ROOT + "/**"})
  void serve(HttpServletRequest request, HttpServletResponse response) {
    // Olingo's way to learn where the service root ends behind a Spring mapping
    request.setAttribute("requestMapping", ROOT);
    // Olingo's handler and metadata keep per-request state: one of each per request
    OData odata = OData.newInstance();
    ODataHttpHandler handler = odata.createHandler(odata.createServiceMetadata(new ReportEdm(sets), List.of()));
    handler.register(new ReportCollections(sets, properties.pageSize(), mapper));
    handler.process(request, response);
  }
}
