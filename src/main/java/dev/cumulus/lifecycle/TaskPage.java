package dev.cumulus.lifecycle;

import java.util.List;

/** One page of a task list. */
public record TaskPage(List<ExternalTaskView> items, int page, int size, long totalItems) {}
