package org.iosup.cli;

import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.report.chart.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iosup plot}: PNG charts of a replay's or an analysis's output. */
@Command(name = "plot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Draw PNG charts (JFreeChart, headless) of a replay output folder: flushes.png (the paper's Figure 5,",
            "calls and issued), cpu.png (Figure 6), pool-pages.png and pool-pages-by-level.png (Figures 7, 8) and",
            "iotlb-misses.png; or of an analyze output folder: recorded.png and recorded-dma.png."
        })
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The output folder of replay or analyze.")
    Path dir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "Folder for the PNG files.")
    Path output;

    @Option(names = "--width", defaultValue = "1600", description = "Width in pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "900", description = "Height in pixels (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = "Minutes left out of cpu.png's means (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
    boolean quiet;

    @Override
    public Integer call() {
        if (width < 200 || height < 150 || width > 10_000 || height > 10_000) {
            throw new UserException("--width and --height must be within 200x150 .. 10000x10000");
        }
        List<String> files;
        try (OutputFolder out = OutputFolder.open(output)) {
            files = Plots.plot(dir, out, width, height, CompareCommand.warmupMinutes(warmup));
            out.commit();
        }
        if (!quiet) {
            spec.commandLine().getOut().println(String.join("\n", files.stream().map(f -> output.resolve(f).toString()).toList()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
