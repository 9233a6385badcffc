package dev.cumulus.workflow;

import dev.cumulus.web.ApiAccess;
import dev.cumulus.web.ApiException;
import dev.cumulus.web.ProblemResponse;
import dev.cumulus.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.ResourceReport;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Deploys workflows at runtime (admin): a .bpmn file becomes a new version of its process key; new
 * tasks of services with that key use it, running tasks finish on the version they started with. A
 * diagram the engine cannot parse, or one without the parts Cumulus drives, is refused and nothing
 * changes.
 */
@RestController
@RequestMapping("/v1/workflows")
@Tag(name = "Workflows")
@SecurityRequirement(name = ApiAccess.PEOPLE)
class WorkflowController {

  static final long MAX_BYTES = 2 * 1024 * 1024;

  private final RepositoryService repository;
  private final ApplicationContext beans;
  private final DiagramGuard guard;

  WorkflowController(RepositoryService repository, ApplicationContext beans, DiagramGuard guard) {
    this.repository = repository;
    this.beans = beans;
    this.guard = guard;
  }

  /** Service tasks whose ${beanName} names no bean: they would fail on the first task. */
  private List<String> unknownDelegates(BpmnModelInstance model) {
    var unknown = new ArrayList<String>();
    for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
      String expression = task.getCamundaDelegateExpression();
      if (expression != null && expression.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*}")) {
        String bean = expression.substring(2, expression.length() - 1);
        if (!beans.containsBean(bean)) {
          unknown.add("'" + task.getName() + "' (" + task.getId() + "): delegate " + expression + " does not exist");
        }
      }
    }
    return unknown;
  }

  record DeployedProcess(String key, String name, int version, String processDefinitionId) {}

  record DeploymentResult(String deploymentId, String name, OffsetDateTime deployedAt, List<DeployedProcess> processes) {}

  record WorkflowVersion(String key, String name, int version, String processDefinitionId, String deploymentId, String resource) {}

  @Operation(operationId = "DeployWorkflow", summary = "Deploy a BPMN diagram (multipart part 'file') as a new version of its workflow (admins)")
  @ApiResponse(responseCode = "201", description = "Deployed (the same file again: the deployed version)")
  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<DeploymentResult> deploy(@RequestParam(name = "file", required = false) MultipartFile file) throws IOException {
    if (file == null || file.isEmpty()) {
      throw ApiException.invalid("file", "required", "send the diagram as the multipart part 'file'");
    }
    String name = file.getOriginalFilename() == null || file.getOriginalFilename().isBlank() ? "workflow.bpmn" : file.getOriginalFilename();
    if (!name.endsWith(".bpmn") && !name.endsWith(".bpmn20.xml")) {
      throw ApiException.invalid("file", "bpmnFile", "the file name must end in .bpmn (the engine deploys only those as workflows)");
    }
    if (file.getSize() > MAX_BYTES) {
      throw ApiException.invalid("file", "maxSize", "at most " + MAX_BYTES + " bytes");
    }
    byte[] bytes = file.getBytes();
    BpmnModelInstance model;
    try {
      model = Bpmn.readModelFromStream(new ByteArrayInputStream(bytes));
    } catch (RuntimeException e) {
      throw ApiException.invalid("file", "bpmn", "not a BPMN 2.0 diagram: " + rootCause(e).getMessage());
    }
    List<String> missing = new ArrayList<>(WorkflowContract.breaches(model));
    missing.addAll(WorkflowContract.inputBreaches(model));
    missing.addAll(unknownDelegates(model));
    if (!missing.isEmpty()) {
      throw ApiException.invalid("file", "workflowContract", String.join("; ", missing));
    }
    // the engine's deployer refuses it too (every door); here the answer names each element and rule
    List<DiagramCheck.Breach> unsafe = guard.breaches(name, bytes);
    if (!unsafe.isEmpty()) {
      var errors = unsafe.stream()
          .map(b -> new ApiException.FieldError("file", b.rule(), b.elementId() + ": " + b.message()))
          .toList();
      throw new ApiException(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request",
          "file: " + unsafe.stream().map(DiagramCheck.Breach::toString).collect(Collectors.joining("; ")), errors, null);
    }
    DeploymentWithDefinitions deployment;
    try {
      deployment = repository.createDeployment()
          .name(name)
          .source("cumulus-api")
          .enableDuplicateFiltering(true)
          .addInputStream(name, new ByteArrayInputStream(bytes))
          .deployWithResult();
    } catch (ParseException e) {
      throw ApiException.invalid("file", "bpmnParse", parseProblems(e));
    } catch (ProcessEngineException e) {
      throw ApiException.invalid("file", "deployable", rootCause(e).getMessage());
    }
    var processes = new ArrayList<DeployedProcess>();
    List<ProcessDefinition> definitions = deployment.getDeployedProcessDefinitions();
    if (definitions == null || definitions.isEmpty()) {
      // the same file again: duplicate filtering kept the deployed version
      definitions = repository.createProcessDefinitionQuery().deploymentId(deployment.getId()).list();
    }
    for (ProcessDefinition d : definitions) {
      processes.add(new DeployedProcess(d.getKey(), d.getName(), d.getVersion(), d.getId()));
    }
    var result = new DeploymentResult(
        deployment.getId(), deployment.getName(),
        deployment.getDeploymentTime() == null ? null : deployment.getDeploymentTime().toInstant().atOffset(ZoneOffset.UTC), processes);
    return ResponseEntity.created(URI.create("/v1/workflows/" + (processes.isEmpty() ? "" : processes.get(0).key()))).body(result);
  }

  /** The latest version of every deployed workflow. */
  @Operation(operationId = "ListWorkflows", summary = "The latest version of every deployed workflow")
  @GetMapping
  List<WorkflowVersion> list() {
    return repository.createProcessDefinitionQuery().latestVersion().orderByProcessDefinitionKey().asc().list().stream()
        .map(WorkflowController::version)
        .toList();
  }

  /** Every version of one workflow, newest first. */
  @Operation(operationId = "GetWorkflowVersions", summary = "Every version of one workflow, newest first")
  @ProblemResponse(status = 404, description = "no workflow with this process key")
  @GetMapping("/{key}")
  List<WorkflowVersion> versions(@PathVariable String key) {
    List<WorkflowVersion> versions = repository.createProcessDefinitionQuery().processDefinitionKey(key)
        .orderByProcessDefinitionVersion().desc().list().stream()
        .map(WorkflowController::version)
        .toList();
    if (versions.isEmpty()) {
      throw ApiException.notFound("Workflow", key);
    }
    return versions;
  }

  private static WorkflowVersion version(ProcessDefinition d) {
    return new WorkflowVersion(d.getKey(), d.getName(), d.getVersion(), d.getId(), d.getDeploymentId(), d.getResourceName());
  }

  /** The parser's errors: element id, line and column, message. */
  private static String parseProblems(ParseException e) {
    var problems = new ArrayList<String>();
    for (ResourceReport report : e.getResorceReports()) {
      report.getErrors().forEach(p -> problems.add(
          (p.getMainElementId() == null ? "" : "element " + p.getMainElementId() + ", ")
              + "line " + p.getLine() + ", column " + p.getColumn() + ": " + p.getMessage()));
    }
    return problems.isEmpty() ? e.getMessage() : String.join("; ", problems);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
