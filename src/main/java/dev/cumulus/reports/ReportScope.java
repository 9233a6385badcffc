package dev.cumulus.reports;

import java.util.Collection;

/**
 * What a caller may see: the services (null: all) and agents (null: all) whose figures they may read,
 * and whether they may read services' figures, agents' figures, and the task history at all.
 */
record ReportScope(Collection<String> services, Collection<String> agents, boolean serviceFigures, boolean agentFigures, boolean taskHistory) {}
