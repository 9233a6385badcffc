package dev.cumulus.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

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
              "dev.cumulus.distribution..", "dev.cumulus.lifecycle..", "dev.cumulus.workflow..", "dev.cumulus.webhook..");

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
}
