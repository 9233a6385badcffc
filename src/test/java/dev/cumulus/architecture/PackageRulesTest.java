package dev.cumulus.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.cumulus.directory.AgentStore;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Repository;

/** The engine stays replaceable (Camunda 7 CE ends with 7.24; Operaton is its fork). */
@AnalyzeClasses(packages = "dev.cumulus", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {

  /** The Cockpit plugin is Camunda's by nature (its SPI and JAX-RS base classes): a package of its own. */
  @ArchTest
  static final ArchRule onlyWorkflowIdentityAndTheCockpitPluginTalkToTheEngine =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.cumulus.workflow..", "dev.cumulus.identity..", "dev.cumulus.cockpit..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.camunda..");

  @ArchTest
  static final ArchRule nobodyUsesCamundasExternalTaskWorkers =
      noClasses().should().dependOnClassesThat().resideInAPackage("org.camunda.bpm.engine.externaltask..");

  @ArchTest
  static final ArchRule theTaskModelDependsOnNoFeature =
      noClasses()
          .that()
          .resideInAPackage("dev.cumulus.externaltask..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.cumulus.directory..", "dev.cumulus.routing..", "dev.cumulus.lifecycle..", "dev.cumulus.workflow..",
              "dev.cumulus.webhook..");

  /**
   * Who is who (users, agents, services, members, supervisors) knows nothing of routing (queue,
   * matching, offers, after-work): routing reads the directory, and hears its changes through {@code
   * AvailabilityListener}, which routing implements.
   */
  @ArchTest
  static final ArchRule theDirectoryDoesNotDependOnRouting =
      noClasses().that().resideInAPackage("dev.cumulus.directory..").should().dependOnClassesThat().resideInAPackage("dev.cumulus.routing..");

  /**
   * Each table is written by exactly one package (docs/development.md, "Who writes which table"): the
   * SQL that writes a table lives in its owner's classes. Packages that own no table write none; the
   * one table of lifecycle is its idempotency records.
   */
  @ArchTest
  static final ArchRule onlyTheOwnersWriteTables =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.cumulus.externaltask..", "dev.cumulus.directory..", "dev.cumulus.routing..", "dev.cumulus.webhook..",
              "dev.cumulus.reports..")
          .and()
          .doNotHaveFullyQualifiedName("dev.cumulus.lifecycle.IdempotencyStore")
          .should()
          .callMethodWhere(
              describe("an SQL write (JdbcOperations.update, batchUpdate, execute)", (JavaMethodCall call) ->
                  call.getTargetOwner().isAssignableTo(JdbcOperations.class) && Set.of("update", "batchUpdate", "execute").contains(call.getName())));

  /** What other packages may call on routing's stores: reads. */
  static final Map<String, Set<String>> ROUTING_READS =
      Map.of(
          "OfferStore", Set.of("usersOffered", "tasksOfferedTo", "isBroadcast", "dueTasks", "usersDue"),
          "AfterWorkStore", Set.of("due", "dueAt"),
          "RoutingTrace", Set.of("of"));

  /**
   * Only routing writes the tables routing owns (queue_entry, offer, task_refusal, after_work,
   * routing_decision, task_routing). QueueStore and TaskRoutingOverrides are package-private, and the
   * writes of OfferStore, AfterWorkStore and RoutingTrace too: the compiler enforces it; this rule says
   * it, and keeps a write from turning public unnoticed. Others change them through {@code Distributor}.
   */
  @ArchTest
  static final ArchRule onlyRoutingWritesRoutingsTables =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.cumulus.routing..")
          .should()
          .callMethodWhere(
              describe("anything of routing's stores but their reads " + ROUTING_READS, (JavaMethodCall call) -> {
                JavaClass store = call.getTargetOwner();
                return store.getPackageName().equals("dev.cumulus.routing")
                    && store.isAnnotatedWith(Repository.class)
                    && !ROUTING_READS.getOrDefault(store.getSimpleName(), Set.of()).contains(call.getName());
              }));

  /**
   * An agent's load (active_tasks; idle_since and the handled count as a task leaves them) is written
   * in the directory's AgentStore, with the rest of the agent row, but only routing asks for it: as it
   * makes and ends offers, and when a repair recounts it ({@code Distributor.released}, {@code handled},
   * {@code loadRecounted}).
   */
  @ArchTest
  static final ArchRule onlyRoutingChangesAnAgentsLoad =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.cumulus.routing..")
          .should()
          .callMethodWhere(
              describe("a change of an agent's load (AgentStore.taskTaken, taskReleased, handled, setActiveTasks)", (JavaMethodCall call) ->
                  call.getTargetOwner().isEquivalentTo(AgentStore.class)
                      && Set.of("taskTaken", "taskReleased", "handled", "setActiveTasks").contains(call.getName())));

  /** Nothing depends on the Cockpit plugin: it only reads through the features' public reads. */
  @ArchTest
  static final ArchRule nobodyDependsOnTheCockpitPlugin =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.cumulus.cockpit..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.cumulus.cockpit..");

  @ArchTest
  static final ArchRule featurePackagesHaveNoCycles =
      slices().matching("dev.cumulus.(*)..").should().beFreeOfCycles();

  /**
   * A lifecycle bean that needs more collaborators than this does more than one job: the one service
   * that did everything had 19 (issue 11) and was split by who acts.
   */
  static final int MOST_DEPENDENCIES = 10;

  /** Beans that were above the limit when it came: at that size they may stay or shrink, not grow. */
  static final Map<String, Integer> ALREADY_ABOVE = Map.of("dev.cumulus.lifecycle.Repairs", 11);

  @ArchTest
  static final ArchRule lifecycleBeansStaySmall =
      classes()
          .that()
          .resideInAPackage("dev.cumulus.lifecycle..")
          .and()
          .areMetaAnnotatedWith(Component.class)
          .should(haveConstructorsOfAtMost(MOST_DEPENDENCIES));

  private static ArchCondition<JavaClass> haveConstructorsOfAtMost(int most) {
    return new ArchCondition<>("have constructors of at most " + most + " parameters") {
      @Override
      public void check(JavaClass bean, ConditionEvents events) {
        int allowed = ALREADY_ABOVE.getOrDefault(bean.getName(), most);
        for (JavaConstructor constructor : bean.getConstructors()) {
          int count = constructor.getRawParameterTypes().size();
          if (count > allowed) {
            events.add(SimpleConditionEvent.violated(constructor, constructor.getFullName() + " has " + count + " parameters, more than " + allowed));
          }
        }
      }
    };
  }
}
