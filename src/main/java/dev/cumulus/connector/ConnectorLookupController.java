package dev.cumulus.connector;

import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.TaskEventType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The lookups the Power Automate connector uses to fill its drop-downs, and its connection test. */
@RestController
@Tag(name = "Connector lookups")
class ConnectorLookupController {

  /** The connector's NameValue / DistributionPriority item. */
  record NameValue(String name, String value) {}

  private final ServiceStore services;
  private final AgentStore agents;

  ConnectorLookupController(ServiceStore services, AgentStore agents) {
    this.services = services;
    this.agents = agents;
  }

  @Operation(operationId = "GetExternalTasksServices", summary = "Service UPNs that take external tasks")
  @GetMapping("/v1/ExternalTasks/service-contacts")
  List<String> externalTaskServices() {
    return services.upns();
  }

  @Operation(operationId = "GetServices", summary = "Service UPNs for task triggers")
  @GetMapping("/v1/tasks/service-contacts")
  List<String> taskServices() {
    return services.upns();
  }

  @Operation(operationId = "GetExternalTasksDistributionPriorities", summary = "Low, Normal (default), High, Strict")
  @GetMapping("/v1/ExternalTasks/distribution-priorities")
  List<NameValue> priorities() {
    return Arrays.stream(DistributionPriority.values()).map(p -> new NameValue(p.name(), p.name())).toList();
  }

  @Operation(operationId = "GetUsersForPreferredRouting", summary = "User UPNs that can be preferred users")
  @GetMapping("/v1/tasks/users-for-preferred-routing")
  List<String> usersForPreferredRouting() {
    return agents.all().stream().map(a -> a.upn()).toList();
  }

  @Operation(operationId = "GetTaskEvents", summary = "The task events a trigger can subscribe to")
  @GetMapping("/v1/tasks/events")
  List<NameValue> events() {
    return Arrays.stream(TaskEventType.values()).map(e -> new NameValue(e.name(), e.name())).toList();
  }

  @Operation(operationId = "GetTaskModalities", summary = "Task modalities (Cumulus handles external tasks)")
  @GetMapping("/v1/tasks/modalities")
  List<NameValue> modalities() {
    return List.of(new NameValue("External Task", "ExternalTask"));
  }

  @Operation(operationId = "GetTaskDirections", summary = "Task directions; external tasks are Inbound")
  @GetMapping("/v1/tasks/directions")
  List<NameValue> directions() {
    return List.of(new NameValue("Inbound", "Inbound"), new NameValue("Outbound", "Outbound"), new NameValue("None", "None"));
  }

  @Operation(operationId = "TestConnection", summary = "Test API access with the current connection")
  @GetMapping("/v1/diagnostics/testconnection")
  ResponseEntity<Void> testConnection() {
    // the connector's 200 "Connection Successful" has no body; reaching here means the credentials work
    return ResponseEntity.ok().build();
  }
}
