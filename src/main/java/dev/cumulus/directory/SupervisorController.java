package dev.cumulus.directory;

import dev.cumulus.web.ApiAccess;
import dev.cumulus.web.ProblemResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Which supervisors watch and steer a service's tasks (their scope over the REST API and on the dashboard). */
@RestController
@Tag(name = "Services and users")
class SupervisorController {

  private final ServiceSupervisors supervisors;

  SupervisorController(ServiceSupervisors supervisors) {
    this.supervisors = supervisors;
  }

  @Operation(operationId = "PutServiceSupervisors", summary = "Set the supervisors of a service (admins)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = "no such service")
  @PutMapping("/v1/services/{serviceUpn}/supervisors")
  ServiceSupervisors.Supervisors put(@PathVariable String serviceUpn, @Valid @RequestBody ServiceSupervisors.SupervisorsRequest request) {
    return supervisors.replace(serviceUpn, request.supervisors());
  }

  @Operation(operationId = "GetServiceSupervisors", summary = "The supervisors of a service")
  @ProblemResponse(status = 404, description = "no such service")
  @GetMapping("/v1/services/{serviceUpn}/supervisors")
  ServiceSupervisors.Supervisors get(@PathVariable String serviceUpn) {
    return supervisors.get(serviceUpn);
  }
}
