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

  @ArchTest
  static final ArchRule onlyWorkflowAndIdentityTalkToTheEngine =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.cumulus.workflow..", "dev.cumulus.identity..")
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

  @ArchTest
  static final ArchRule featurePackagesHaveNoCycles =
      slices().matching("dev.cumulus.(*)..").should().beFreeOfCycles();
}
