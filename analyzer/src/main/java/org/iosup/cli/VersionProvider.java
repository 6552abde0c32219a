package org.iosup.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Supplies {@code --version}: the tool version from the build, the schema version and the Java runtime. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    /** The tool version, e.g. {@code 0.1.0}. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/org/iosup/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Fall through to "unknown".
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "iosup " + version(),
            "events schema v" + org.iosup.schema.EventSchema.get().version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
