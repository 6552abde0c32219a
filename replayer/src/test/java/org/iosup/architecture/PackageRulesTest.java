package org.iosup.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of both modules (the replayer's test classpath holds the analyzer's classes),
 * checked over the compiled main classes: no cycle between packages, the command line on top
 * (nothing outside a {@code cli} package uses one), and the data flow of docs/architecture:
 * sources know no model, engines read no CSV, reports read no Parquet.
 */
class PackageRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        // The main classes: from target/classes, or the analyzer's jar in a reactor build; not the tests'.
        ImportOption mainOnly = location -> !location.contains("/test-classes/")
                && !location.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*"));
        classes = new ClassFileImporter().withImportOption(mainOnly).importPackages("org.iosup");
        // Both modules' classes are there, or the rules below would pass on nothing.
        assertThat(classes.contain("org.iosup.trace.EventBatch")).isTrue();
        assertThat(classes.contain("org.iosup.replay.Replay")).isTrue();
        assertThat(classes.contain("org.iosup.testing.CliRun")).isFalse();
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("org.iosup.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheCommandLineUsesTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("..cli..").should().dependOnClassesThat().resideInAPackage("..cli..")
                .check(classes);
    }

    @Test
    void theModelKnowsNoReplayAndTheTraceNoModel() {
        noClasses().that().resideInAPackage("org.iosup.model..").should().dependOnClassesThat()
                .resideInAnyPackage("org.iosup.replay..", "org.iosup.synth..", "org.iosup.demo..").check(classes);
        noClasses().that().resideInAnyPackage("org.iosup.trace..", "org.iosup.schema..", "org.iosup.io..")
                .should().dependOnClassesThat().resideInAnyPackage("org.iosup.model..", "org.iosup.replay..",
                        "org.iosup.analysis..", "org.iosup.report..").check(classes);
    }

    @Test
    void enginesReadNoCsvAndReportsNoParquet() {
        noClasses().that().resideInAnyPackage("org.iosup.replay..", "org.iosup.model..")
                .should().dependOnClassesThat().resideInAPackage("org.iosup.trace.csv..").check(classes);
        noClasses().that().resideInAPackage("org.iosup.report..")
                .should().dependOnClassesThat().resideInAPackage("org.iosup.trace.parquet..").check(classes);
    }
}
