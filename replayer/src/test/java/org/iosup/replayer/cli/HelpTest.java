package org.iosup.replayer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's --help renders cleanly: a description, no picocli format warnings, lines that fit. */
class HelpTest {
    private static void collect(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            collect(sub, all);
        }
    }

    @Test
    void everyCommandsHelp() {
        List<CommandLine> all = new ArrayList<>();
        collect(Iosup.commandLine(), all);
        assertThat(all).extracting(c -> c.getCommandSpec().qualifiedName(" ")).contains("iosup import perf",
                "iosup import trace-cmd", "iosup record", "iosup bench import", "iosup demo");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            for (CommandLine cl : all) {
                String usage = cl.getUsageMessage();
                String name = cl.getCommandSpec().qualifiedName(" ");
                assertThat(cl.getCommandSpec().usageMessage().description()).as(name).isNotEmpty();
                assertThat(usage).as(name).contains("Usage: " + name).doesNotContain("%n");
                for (String line : usage.split("\n")) {
                    assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(120);
                }
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    /** replay's and sweep's help list every family of the registry with its own options, so a new family shows there. */
    @Test
    void theHelpOfThePolicyCommandsListsTheRegistry() {
        for (String command : new String[] {"replay", "sweep"}) {
            String usage = Iosup.commandLine().getSubcommands().get(command).getUsageMessage();
            String section = usage.substring(usage.indexOf("Policies (--policy SPEC"));
            for (org.iosup.model.pool.PolicyFamilies.Family f : org.iosup.model.pool.PolicyFamilies.all()) {
                assertThat(section).as(command).containsPattern("(?m)^    " + java.util.regex.Pattern.quote(f.spelling())
                        + " +" + java.util.regex.Pattern.quote(f.summary()) + "$");
                for (String option : f.ownOptions()) {
                    assertThat(section).as(command + " " + f.name()).containsPattern("(?m)^    " + option + "=");
                }
            }
            assertThat(section).as(command).contains("shrink-total=N", "(default: " + org.iosup.model.pool.PolicySpec.DEFAULT_SHRINK_TOTAL + ")");
        }
        assertThat(Iosup.commandLine().getSubcommands().get("sweep").getUsageMessage()).contains("--grid expands braces");
    }
}
