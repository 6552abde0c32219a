package org.iosup.report;

import org.iosup.analysis.Compare;
import org.iosup.cli.PlotCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlotCommandTest {
    @TempDir
    Path dir;

    /** Asserts a real PNG of the size asked for, with a chart on it (many colours, not blank). */
    static void assertChart(Path png, int width, int height) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(png.toString()).isNotNull();
        assertThat(img.getWidth()).isEqualTo(width);
        assertThat(img.getHeight()).isEqualTo(height);
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < height; y += 3) {
            for (int x = 0; x < width; x += 3) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                nonWhite += rgb != 0xffffff ? 1 : 0;
            }
        }
        assertThat(colours.size()).as(png + " colours").isGreaterThan(20);
        assertThat(nonWhite).as(png + " drawn pixels").isGreaterThan(1000);
    }

    private Path replayOutput() throws IOException {
        Path d = dir.resolve("run");
        Files.createDirectories(d);
        List<String> cols = Compare.REPLAY_MINUTES.fieldNames();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        String[] policies = {"cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled"};
        for (String p : policies) {
            for (int m = 0; m < 12; m++) {
                List<String> row = new ArrayList<>();
                for (String c : cols) {
                    long v = c.equals("minute") ? m : (c.hashCode() & 0xff) * (m + 1) * (p.length() % 5 + 1);
                    row.add(c.equals("policy") ? p : Long.toString(v));
                }
                sb.append(String.join(",", row)).append('\n');
            }
        }
        Files.writeString(d.resolve("minutes.csv"), sb);
        return d;
    }

    @Test
    void drawsEveryReplayFigureAtTheSizeAsked() throws IOException {
        Path out = dir.resolve("png");
        CliRun r = CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        for (String f : new String[] {"flushes.png", "cpu.png", "pool-pages.png", "pool-pages-by-level.png", "iotlb-misses.png", "dma-time.png"}) {
            assertChart(out.resolve(f), 1600, 900);
        }
        CliRun small = CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", dir.resolve("s").toString(),
                "--width", "800", "--height", "450", "-q");
        assertThat(small.exitCode).isZero();
        assertChart(dir.resolve("s/flushes.png"), 800, 450);
    }

    /** The text elements of an SVG file, in document order (parsed as XML, the DTD not fetched). */
    static List<String> svgTexts(Path svg) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        org.w3c.dom.Document d = f.newDocumentBuilder().parse(svg.toFile());
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(d.getDocumentElement().getAttribute("width")).isEqualTo("1600.0");
        org.w3c.dom.NodeList texts = d.getElementsByTagName("text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            out.add(texts.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void vectorFormatsCarryTheSameFigure() throws Exception {
        Path out = dir.resolve("vec");
        CliRun r = CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", out.toString(), "--format", "png,svg,pdf");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertChart(out.resolve("flushes.png"), 1600, 900);
        List<String> texts = svgTexts(out.resolve("flushes.svg"));
        assertThat(texts).contains("IOTLB flush calls per minute", "IOTLB invalidations issued per minute",
                "minute of trace time", "flush_iotlb_qi calls per minute", "cache-disabled", "cache-pre-enabled",
                "cache-dynamic-enabled", "minute 5: warm-up cut / dynamic switch");
        // A handful of tick labels per axis: 0, 5, 10 on the minutes and a few round counts.
        long numeric = texts.stream().filter(t -> t.matches("[0-9][0-9,.]*")).count();
        assertThat(numeric).isBetween(8L, 24L);
        byte[] pdf = Files.readAllBytes(out.resolve("flushes.pdf"));
        String head = new String(pdf, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("%PDF-1.");
        assertThat(new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("/Title (IOTLB flush calls per minute)")
                .contains("/CreationDate (D:20000101000000");
        // Byte-identical when drawn again.
        Path again = dir.resolve("vec2");
        assertThat(CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", again.toString(), "--format", "svg,pdf",
                "-q").exitCode).isZero();
        for (String f : new String[] {"flushes.svg", "flushes.pdf", "cpu.svg", "dma-time.pdf"}) {
            assertThat(Files.readAllBytes(again.resolve(f))).as(f).isEqualTo(Files.readAllBytes(out.resolve(f)));
        }
        assertThat(again.resolve("flushes.png")).doesNotExist();
        CliRun bad = CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", dir.resolve("bad").toString(),
                "--format", "png,jpg");
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.err).contains("--format png,jpg: 'jpg' is not a format (valid: png, svg, pdf)");
        assertThat(dir.resolve("bad")).doesNotExist();
    }

    /** A replay's devices.csv: two devices over 12 minutes, their misses differing by policy when {@code byPolicy}. */
    private static void writeDevices(Path run, boolean byPolicy) throws IOException {
        List<String> cols = org.iosup.schema.TableSchema.load("replay-devices").fieldNames();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (String p : new String[] {"cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled"}) {
            for (int m = 0; m < 12; m++) {
                for (int dev : new int[] {0x00fa, 0x0100}) {
                    List<String> row = new ArrayList<>();
                    for (String c : cols) {
                        row.add(switch (c) {
                            case "minute" -> Integer.toString(m);
                            case "policy" -> p;
                            case "device" -> Integer.toString(dev);
                            case "misses" -> Long.toString(dev * 10L + m + (byPolicy ? p.length() : 0));
                            default -> "0";
                        });
                    }
                    sb.append(String.join(",", row)).append('\n');
                }
            }
        }
        Files.writeString(run.resolve("devices.csv"), sb);
    }

    @Test
    void missesAreDrawnPerDeviceWhenTheReplayHasThem() throws Exception {
        Path run = replayOutput();
        writeDevices(run, true);
        Path out = dir.resolve("dev");
        assertThat(CliRun.run(new PlotCommand(), run.toString(), "-o", out.toString(), "--format", "svg", "-q").exitCode)
                .isZero();
        List<String> texts = svgTexts(out.resolve("iotlb-misses.svg"));
        assertThat(texts).contains("IOTLB misses per minute, by device", "cache-disabled, device 01:00.0",
                "cache-dynamic-enabled, device 00:1f.2");
    }

    @Test
    void aFolderWithoutOutputsIsAnError() {
        CliRun r = CliRun.run(new PlotCommand(), dir.toString(), "-o", dir.resolve("png").toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("no minutes.csv (plot takes the output folder of replay or analyze)");
    }

    @Test
    void missesTheSameUnderEveryPolicyAreDrawnOncePerDevice() throws Exception {
        Path run = replayOutput();
        writeDevices(run, false);
        Path out = dir.resolve("same");
        assertThat(CliRun.run(new PlotCommand(), run.toString(), "-o", out.toString(), "--format", "svg", "-q").exitCode)
                .isZero();
        List<String> texts = svgTexts(out.resolve("iotlb-misses.svg"));
        assertThat(texts).contains("device 00:1f.2", "device 01:00.0",
                "the same under every policy (cache-disabled, cache-pre-enabled, cache-dynamic-enabled)");
        assertThat(texts).noneMatch(t -> t.startsWith("cache-disabled, device"));
    }

    /** An analyze output folder's minutes.csv of 10 minutes, the hypervisor's columns 0 unless {@code hypervisor}. */
    private Path analyzeOutput(String name, boolean hypervisor) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        List<String> cols = org.iosup.schema.TableSchema.load("analyze-minutes").fieldNames();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (int m = 0; m < 10; m++) {
            List<String> row = new ArrayList<>();
            for (String c : cols) {
                long v = switch (c) {
                    case "minute" -> m;
                    case "proc_creates" -> 540 + m;
                    case "proc_exits" -> 538 + m;
                    case "pt_allocs", "pt_frees" -> 10_000 + 10 * m;
                    case "type_changes", "iommu_unmaps", "iommu_maps", "iotlb_flushes" -> hypervisor ? 20_000 + m : 0;
                    default -> 1_000_000L * (m + 1);
                };
                row.add(Long.toString(v));
            }
            sb.append(String.join(",", row)).append('\n');
        }
        Files.writeString(d.resolve("minutes.csv"), sb);
        return d;
    }

    @Test
    void aTraceOfTheGuestAloneIsDrawnWithoutAnEmptyPanelAndProcessesApartFromPageTables() throws Exception {
        Path guest = analyzeOutput("guest", false);
        assertThat(CliRun.run(new PlotCommand(), guest.toString(), "-o", dir.resolve("g").toString(), "--format", "svg,png",
                "-q").exitCode).isZero();
        List<String> texts = svgTexts(dir.resolve("g/recorded.svg"));
        assertThat(texts).contains("Processes per minute (recorded)", "Page tables per minute (recorded)",
                "processes created", "processes exited", "page tables allocated", "page tables freed",
                "no hypervisor or IOMMU event in this trace (a synthesized or perf trace): replay models them");
        assertThat(texts).noneMatch(t -> t.startsWith("Hypervisor"));
        assertChart(dir.resolve("g/recorded.png"), 1600, 900);
        // A trace that recorded the hypervisor's events gets their panel too.
        Path full = analyzeOutput("full", true);
        assertThat(CliRun.run(new PlotCommand(), full.toString(), "-o", dir.resolve("f").toString(), "--format", "svg",
                "-q").exitCode).isZero();
        List<String> three = svgTexts(dir.resolve("f/recorded.svg"));
        assertThat(three).contains("page-type changes", "IOTLB flushes");
        // Three panels to a row: long titles wrap onto two lines.
        assertThat(String.join(" ", three).replace("  ", " ")).contains("Processes per minute (recorded)",
                "Page tables per minute (recorded)", "Hypervisor and IOMMU events per minute (recorded)");
    }
}
