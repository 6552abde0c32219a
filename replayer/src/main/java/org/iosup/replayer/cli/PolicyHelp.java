package org.iosup.replayer.cli;

import org.iosup.model.pool.PolicyFamilies;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/**
 * The "Policies" section of the help of the commands that take policies: every family of the
 * registry with its options, rendered from {@link PolicyFamilies#help()}, so that a family added
 * there is listed without touching any command.
 */
final class PolicyHelp {
    static final String SECTION = "policyFamilies";

    private PolicyHelp() {
    }

    /** Adds the section to {@code cl}'s help, before the footer. */
    static void install(CommandLine cl) {
        cl.getHelpSectionMap().put(SECTION, help -> help.createHeading("%nPolicies (--policy SPEC")
                + (cl.getCommandSpec().optionsMap().containsKey("--grid") ? "; --grid expands braces in one" : "")
                + "):" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", PolicyFamilies.help())
                + System.lineSeparator());
        List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
        keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), SECTION);
        cl.setHelpSectionKeys(keys);
    }
}
