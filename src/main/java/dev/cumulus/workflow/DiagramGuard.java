package dev.cumulus.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.Problem;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.stereotype.Component;

/**
 * The one door every deployment passes, whoever sends it (startup, {@code POST /v1/workflows},
 * {@code /engine-rest/deployment/create}, Cockpit's redeploy): a deployer that runs before the
 * engine's own and refuses the whole deployment when a diagram breaks {@link DiagramCheck}, or when
 * it holds anything but BPMN diagrams (CMMN and DMN carry their own expressions and listeners).
 * The refusal is a {@link ParseException}, so engine-rest answers 400 with each element id.
 *
 * <p>Only new deployments are checked: definitions deployed before this check keep running when
 * the engine reloads them into its cache.
 */
@Component
class DiagramGuard extends AbstractProcessEnginePlugin implements Deployer {

  static final String ONLY_BPMN = "onlyBpmnDiagrams";

  private static final List<String> DIAGRAMS = List.of(".bpmn", ".bpmn20.xml");
  /** Pictures of a diagram that Camunda may show next to it; never executed. */
  private static final List<String> PICTURES = List.of(".png", ".svg", ".jpg", ".jpeg", ".gif");

  private final ListableBeanFactory beans;

  DiagramGuard(ListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    var deployers = configuration.getCustomPreDeployers() == null
        ? new ArrayList<Deployer>() : new ArrayList<>(configuration.getCustomPreDeployers());
    deployers.add(this);
    configuration.setCustomPreDeployers(deployers);
  }

  /** The check with the application's activities (its JavaDelegate beans) and bean names. */
  DiagramCheck check() {
    return new DiagramCheck(Set.of(beans.getBeanNamesForType(JavaDelegate.class, false, false)), beans::containsBean);
  }

  /** The breaches of one resource of a deployment: a diagram is checked, a picture passes, anything else is refused. */
  List<DiagramCheck.Breach> breaches(String resourceName, byte[] bytes) {
    String lower = resourceName.toLowerCase(Locale.ROOT);
    if (DIAGRAMS.stream().anyMatch(lower::endsWith)) {
      return check().check(bytes);
    }
    if (PICTURES.stream().anyMatch(lower::endsWith)) {
      return List.of();
    }
    return List.of(new DiagramCheck.Breach(resourceName, ONLY_BPMN,
        "a deployment holds BPMN diagrams (.bpmn) only; CMMN, DMN, scripts and forms are refused"));
  }

  @Override
  public void deploy(DeploymentEntity deployment) {
    if (!deployment.isNew() || deployment.getResources() == null) {
      return;
    }
    for (ResourceEntity resource : deployment.getResources().values()) {
      List<DiagramCheck.Breach> breaches = breaches(resource.getName(), resource.getBytes());
      if (!breaches.isEmpty()) {
        List<Problem> problems = breaches.stream().<Problem>map(BreachProblem::new).toList();
        throw new ParseException(
            "refused by Cumulus's diagram check: " + resource.getName() + ": " + breaches, resource.getName(), problems, List.of());
      }
    }
  }

  /** A breach as the engine reports parse errors (engine-rest lists them with the element id). */
  private record BreachProblem(DiagramCheck.Breach breach) implements Problem {
    @Override
    public String getMessage() {
      return breach.message() + " (rule " + breach.rule() + ")";
    }

    @Override
    public int getLine() {
      return 0;
    }

    @Override
    public int getColumn() {
      return 0;
    }

    @Override
    public String getMainElementId() {
      return breach.elementId();
    }

    @Override
    public List<String> getElementIds() {
      return List.of(breach.elementId());
    }
  }
}
