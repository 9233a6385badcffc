package dev.cumulus.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import org.springframework.stereotype.Component;

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
  static final Map<String, Integer> ALREADY_ABOVE = Map.of("dev.cumulus.lifecycle.Repairs", 11, "dev.cumulus.lifecycle.TaskTransitions", 11);

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
