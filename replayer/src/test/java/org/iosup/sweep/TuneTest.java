package org.iosup.sweep;

import org.apache.commons.csv.CSVRecord;
import org.iosup.io.UserException;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replayer.cli.SynthCommand;
import org.iosup.replayer.cli.TuneCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iosup.testing.Csv.read;

/** iosup tune: the search finds a known optimum, and the command chooses, validates and refuses as it says. */
class TuneTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    static Path trace;
    static Path other;

    @BeforeAll
    static void synth() {
        trace = shared.resolve("busy.parquet");
        other = shared.resolve("busy-seed-2.parquet");
        for (String[] t : new String[][] {{trace.toString(), "1"}, {other.toString(), "2"}}) {
            CliRun r = CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "11", "--nic-gbps", "0.005",
                    "--seed", t[1], "-q", "-o", t[0]);
            assertThat(r.exitCode).as(r.toString()).isZero();
        }
    }

    /**
     * A synthetic workload: flush calls fall as 10,000 / total, the pool's peak is
     * total + 50 / ratio + 20 * ratio (least at ratio = sqrt(2.5) = 1.58). Under 'flush calls at
     * most 100', the least peak is at the smallest total of at least 100 the search can reach.
     */
    private static List<PolicySweep.Row> synthetic(List<PolicySpec> specs) {
        List<PolicySweep.Row> rows = new ArrayList<>();
        for (PolicySpec p : specs) {
            double calls = 10_000.0 / p.shrinkTotal();
            long peak = Math.round(p.shrinkTotal() + 50 / p.shrinkRatio() + 20 * p.shrinkRatio());
            rows.add(new PolicySweep.Row(p, 64, 10, calls, calls, peak, peak, 0, 1, 1, false));
        }
        return rows;
    }

    @Test
    void theSearchFindsAKnownOptimum() {
        Tune.Result r = Tune.run(TuneTest::synthetic, Tune.Family.DYNAMIC, "5m", Tune.Objective.parse("min pool_pages_peak"),
                List.of(Tune.Constraint.parse("flush_calls_per_min <= 100")), null);
        PolicySpec best = r.best().row().policy();
        assertThat(best.shrinkTotal()).isBetween(100L, 110L);
        assertThat(best.shrinkRatio()).isBetween(1.3, 1.9);
        assertThat(r.best().feasible()).isTrue();
        assertThat(r.runnerUp().objective()).isGreaterThanOrEqualTo(r.best().objective());
        // The neighbours one step away are evaluated; none is better and feasible.
        assertThat(r.neighbours()).isNotEmpty()
                .allSatisfy(n -> assertThat(!n.feasible() || n.objective() >= r.best().objective()).isTrue());
        // Deterministic: the same search gives the same choice.
        assertThat(Tune.run(TuneTest::synthetic, Tune.Family.DYNAMIC, "5m", Tune.Objective.parse("min pool_pages_peak"),
                List.of(Tune.Constraint.parse("flush_calls_per_min <= 100")), null).best().row().policy().spec())
                .isEqualTo(best.spec());
    }

    @Test
    void objectivesAndConstraintsAreCheckedAsWritten() {
        assertThatThrownBy(() -> Tune.Objective.parse("lowest pool_pages_peak")).isInstanceOf(UserException.class)
                .hasMessageContaining("write 'min COLUMN' or 'max COLUMN'");
        assertThatThrownBy(() -> Tune.Objective.parse("min pool_size")).hasMessageContaining("unknown column 'pool_size'");
        assertThatThrownBy(() -> Tune.Constraint.parse("flush_calls_per_min =< 100"))
                .hasMessageContaining("write 'COLUMN <= VALUE'");
        assertThatThrownBy(() -> Tune.Constraint.parse("flush_calls_per_min <= many")).hasMessageContaining("'many' is not a number");
        assertThatThrownBy(() -> Tune.Constraint.parse("flush_calls_per_min <= NaN")).hasMessageContaining("'NaN' is not a number");
        assertThatThrownBy(() -> Tune.Constraint.parse("FLUSH_CALLS <= 1")).hasMessageContaining("unknown column 'FLUSH_CALLS'");
        assertThat(Tune.Constraint.parse(" pool_pages_peak>=3 ").holds(synthetic(List.of(PolicySpec.parse("dynamic@1m"))).get(0)))
                .isTrue();
    }

    @Test
    void theCommandChoosesValidatesAndWritesWhatItSearched() throws IOException {
        Path out = dir.resolve("tune");
        CliRun r = CliRun.run(new TuneCommand(), trace.toString(), "--family", "dynamic", "--constraint",
                "flush_calls_per_min <= 150", "--validate", other.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("choice ", "runner-up ", "on the validated trace");
        List<CSVRecord> rows = read(out.resolve("tune.csv"));
        assertThat(rows.stream().filter(x -> x.get("role").equals("choice"))).hasSize(1);
        CSVRecord choice = rows.stream().filter(x -> x.get("role").equals("choice")).findFirst().orElseThrow();
        assertThat(choice.get("feasible")).isEqualTo("true");
        assertThat(Double.parseDouble(choice.get("flush_calls_per_min"))).isLessThanOrEqualTo(150);
        // No feasible policy has a smaller peak than the choice.
        long peak = Long.parseLong(choice.get("pool_pages_peak"));
        assertThat(rows.stream().filter(x -> x.get("feasible").equals("true"))
                .mapToLong(x -> Long.parseLong(x.get("pool_pages_peak"))).min().orElseThrow()).isEqualTo(peak);
        List<CSVRecord> validation = read(out.resolve("validation.csv"));
        assertThat(validation.stream().map(v -> v.get("role") + "/" + v.get("trace"))).containsExactly(
                "choice/tuned", "choice/validated", "runner-up/tuned", "runner-up/validated");
        assertThat(validation.get(0).get("policy")).isEqualTo(choice.get("policy"));
    }

    @Test
    void noFeasiblePolicyIsAnErrorAndWritesNothing() {
        Path out = dir.resolve("none");
        CliRun r = CliRun.run(new TuneCommand(), trace.toString(), "--family", "cap", "--constraint",
                "flush_calls_per_min < 0", "-q", "-o", out.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("no policy of the cap family meets flush_calls_per_min < 0");
        assertThat(out).doesNotExist();
        CliRun bad = CliRun.run(new TuneCommand(), trace.toString(), "--family", "lru", "-o", out.toString());
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.err).contains("--family 'lru': valid: dynamic, pre-enabled, cap");
        CliRun at = CliRun.run(new TuneCommand(), trace.toString(), "--family", "cap", "--at", "2m", "-o", out.toString());
        assertThat(at.exitCode).isEqualTo(2);
        assertThat(at.err).contains("--at applies to --family dynamic only");
        assertThat(out).doesNotExist();
    }
}
