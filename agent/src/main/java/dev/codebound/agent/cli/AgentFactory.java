package dev.codebound.agent.cli;

import picocli.CommandLine;

/**
 * Creates the command line's objects, handing every {@link HomeOption} (and the quickstart, which
 * runs other commands) the command line's {@link AgentEnvironment}; everything else is made by
 * picocli's default factory.
 */
final class AgentFactory implements CommandLine.IFactory {
    private final AgentEnvironment environment;

    AgentFactory(AgentEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type == HomeOption.class) {
            return type.cast(new HomeOption(environment));
        }
        if (type == QuickstartCommand.class) {
            return type.cast(new QuickstartCommand(environment));
        }
        return CommandLine.defaultFactory().create(type);
    }
}
