package org.iosup.replayer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mistake in the invocation is one line on standard error, exit code 2, with a suggestion where
 * one fits; options that do not apply, are given twice or are out of range are errors, not
 * silently ignored or saturated.
 */
class UsageErrorsTest {
    @TempDir
    Path dir;

    /** Runs the whole iosup command line in-process. */
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Iosup.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static void oneLineError(String expected, String... args) {
        String[] r = run(args);
        assertThat(r[0]).as(String.join(" ", args)).isEqualTo("2");
        assertThat(r[2]).as(String.join(" ", args)).isEqualTo(expected + "\n");
    }

    @Test
    void mistypedCommandsAndOptionsGetSuggestions() {
        oneLineError("iosup: error: unknown command 'replya'; did you mean 'replay' or 'plot' or 'sweep'? (see 'iosup --help')",
                "replya");
        oneLineError("iosup replay: error: unknown option '--polciy'; did you mean '--policy'? (see 'iosup replay --help')",
                "replay", "t.parquet", "-o", "x", "--polciy", "disabled");
        oneLineError("iosup inspect: error: unknown option '--jsn'; did you mean '--json'? (see 'iosup inspect --help')",
                "inspect", "--jsn", "t.parquet");
    }

    @Test
    void optionsThatDoNotApplyOrRepeatAreErrors() {
        oneLineError("iosup replay: error: --policy pre-enabled,cap=3,cap=4: option 'cap' is given twice",
                "replay", "t.parquet", "-o", "x", "--policy", "pre-enabled,cap=3,cap=4");
        oneLineError("iosup replay: error: --policy pre-enabled,min=3: option 'min' applies to quicklist only",
                "replay", "t.parquet", "-o", "x", "--policy", "pre-enabled,min=3");
        oneLineError("iosup replay: error: --policy pre-enabled,shrink-total=9: option 'shrink-total' applies only with"
                        + " shrink=on (the shrink rule is off by default for pre-enabled)",
                "replay", "t.parquet", "-o", "x", "--policy", "pre-enabled,shrink-total=9");
        oneLineError("iosup replay: error: --cost hypercall_ns is given twice",
                "replay", "t.parquet", "-o", "x", "--cost", "hypercall_ns=1", "--cost", "hypercall_ns=2");
        oneLineError("iosup replay: error: --policy dynamic@99999999999999999999m: duration '99999999999999999999m' is too"
                        + " long (at most 366 days, the longest trace)",
                "replay", "t.parquet", "-o", "x", "--policy", "dynamic@99999999999999999999m");
        oneLineError("iosup replay: error: --iotlb-entries must be at most 1048576 (real IOTLBs hold tens to a few thousand"
                + " entries), got 2000000000", "replay", "t.parquet", "-o", "x", "--iotlb-entries", "2000000000");
        oneLineError("iosup synth: error: --creations-per-min applies to --preset busy, boot-busy, fork-exit or netperf, not to"
                + " --preset idle", "synth", "--preset", "idle", "--creations-per-min", "5", "-o", "x.parquet");
        oneLineError("iosup synth: error: --exec-share applies to --preset idle, busy or boot-busy, not to"
                + " --preset fork-exit", "synth", "--preset", "fork-exit", "--exec-share", "0.5", "-o", "x.parquet");
        oneLineError("iosup synth: error: --minutes must be at most 527040 (366 days, the event schema's bound on ts_ns),"
                + " got 1000000", "synth", "--preset", "busy", "--minutes", "1000000", "-o", "x.parquet");
        oneLineError("iosup synth: error: --nic-gbps must be at most 800 (800 Gb/s, the fastest Ethernet port), got"
                + " 1000000000000", "synth", "--preset", "busy", "--nic-gbps", "1e12", "-o", "x.parquet");
        oneLineError("iosup demo: error: --threads must be at least 1, got 0", "demo", "--threads", "0", "-o",
                "never-written");
        assertThat(Files.exists(Path.of("never-written"))).isFalse();
    }

    @Test
    void theCommandListShowsEachDescriptionWhole() {
        String[] r = run("--help");
        for (String line : r[1].lines().filter(l -> l.startsWith("  ") && !l.strip().startsWith("-")).toList()) {
            assertThat(line.strip()).as(line).endsWith(".");
        }
        assertThat(r[1]).contains("  replay     Replay a trace under pool policies and a hypervisor profile, in one read.");
    }

    @Test
    void theSynthesizerAndTheDemoShareEachPresetsNicRate() {
        String[] r = run("synth", "--preset", "busy", "--describe");
        assertThat(r[1]).containsPattern("nic-gbps +0\\.088 +the paper's netperf throughput");
        assertThat(org.iosup.demo.Demo.Options.defaults().nicGbps()).isNull();
    }
}
