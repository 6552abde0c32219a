package org.iosup.spark.cli;

import org.iosup.cli.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The Spark job's commands: each --help renders cleanly, and a mistake is one line with exit code 2. */
class FleetHelpTest {
    @Test
    void everyFleetCommandsHelpRendersAndAMistakeIsOneLine() {
        CommandLine root = Cli.configure(new CommandLine(Fleet.class));
        assertThat(root.getSubcommands().keySet()).containsExactly("replay", "sweep", "analyze", "bench");
        for (CommandLine cl : root.getSubcommands().values()) {
            String usage = cl.getUsageMessage();
            String name = cl.getCommandSpec().qualifiedName(" ");
            assertThat(cl.getCommandSpec().usageMessage().description()).as(name).isNotEmpty();
            assertThat(usage).as(name).contains("Usage: " + name).doesNotContain("%n");
            for (String line : usage.split("\n")) {
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(120);
            }
        }
        StringWriter err = new StringWriter();
        root.setErr(new PrintWriter(err));
        int code = root.execute("replay", "fleet", "-o", "out", "--polcy", "disabled");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("iosup fleet replay: error: unknown option '--polcy'; did you mean '--policy'?")
                .hasLineCount(1);
    }
}
