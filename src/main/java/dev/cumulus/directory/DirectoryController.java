package dev.cumulus.directory;

import dev.cumulus.web.ApiAccess;
import dev.cumulus.web.ProblemResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Services, users and agents' presence. */
@RestController
@Tag(name = "Services and users")
class DirectoryController {

  private final ServiceAdmin services;
  private final UserAdmin users;

  DirectoryController(ServiceAdmin services, UserAdmin users) {
    this.services = services;
    this.users = users;
  }

  @Operation(operationId = "PutService", summary = "Create or replace a service (admins)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ApiResponse(responseCode = "200", description = "Replaced")
  @ApiResponse(responseCode = "201", description = "Created")
  @PutMapping("/v1/services/{serviceUpn}")
  ResponseEntity<ServiceDefinition> putService(
      @PathVariable String serviceUpn, @Valid @RequestBody ServiceAdmin.ServiceRequest request) {
    var saved = services.save(serviceUpn, request);
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .location(URI.create("/v1/services/" + serviceUpn))
        .body(saved.service());
  }

  @Operation(operationId = "GetService", summary = "Read one service with its settings and members")
  @ProblemResponse(status = 404, description = "no such service")
  @GetMapping("/v1/services/{serviceUpn}")
  ServiceDefinition getService(@PathVariable String serviceUpn) {
    return services.get(serviceUpn);
  }

  @Operation(operationId = "ListServices", summary = "List every service")
  @GetMapping("/v1/services")
  List<ServiceDefinition> listServices() {
    return services.all();
  }

  @Operation(operationId = "PutUser", summary = "Create or replace a user (admins)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ApiResponse(responseCode = "200", description = "Replaced")
  @ApiResponse(responseCode = "201", description = "Created")
  @PutMapping("/v1/users/{upn}")
  ResponseEntity<UserAdmin.UserView> putUser(@PathVariable String upn, @Valid @RequestBody UserAdmin.UserRequest request) {
    var saved = users.save(upn, request);
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .location(URI.create("/v1/users/" + upn))
        .body(saved.user());
  }

  @Operation(operationId = "GetUser", summary = "Read one user: roles, capacity, presence, load, duty (admins, supervisors)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = "no such user")
  @GetMapping("/v1/users/{upn}")
  UserAdmin.UserView getUser(@PathVariable String upn) {
    return users.get(upn);
  }

  @Operation(operationId = "ListUsers", summary = "List every user (admins, supervisors)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @GetMapping("/v1/users")
  List<UserAdmin.UserView> listUsers() {
    return users.all();
  }

  @Operation(operationId = "SetUserDuty", summary = "Go on or off duty in one service")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @PutMapping("/v1/users/{upn}/duty")
  UserAdmin.UserView setDuty(@PathVariable String upn, @Valid @RequestBody UserAdmin.DutyRequest request) {
    return users.setDuty(upn, request.serviceUpn(), request.onDuty());
  }

  @Operation(operationId = "ResetRona", summary = "Reset persistent RONA flags (one service, or all)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = "no such user")
  @org.springframework.web.bind.annotation.PostMapping("/v1/users/{upn}/rona-reset")
  UserAdmin.UserView resetRona(@PathVariable String upn, @Valid @RequestBody(required = false) UserAdmin.RonaResetRequest request) {
    return users.resetRona(upn, request == null ? null : request.serviceUpn());
  }

  @Operation(operationId = "SetUserPresence", summary = "Set an agent's presence: Available, Busy, Away, Offline")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = "no such user")
  @PutMapping("/v1/users/{upn}/state")
  UserAdmin.UserView setState(@PathVariable String upn, @Valid @RequestBody UserAdmin.PresenceRequest request) {
    return users.setPresence(upn, request.presence());
  }
}
