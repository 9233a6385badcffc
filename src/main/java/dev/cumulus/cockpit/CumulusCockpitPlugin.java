package dev.cumulus.cockpit;

import java.util.Set;
import org.camunda.bpm.cockpit.plugin.spi.impl.AbstractCockpitPlugin;

/**
 * The "Cumulus" tab on Cockpit's process-instance page: the task card of the instance's external task.
 * Cockpit finds this class through META-INF/services (Java's ServiceLoader), serves the tab's script
 * from plugin-webapp/cumulus/app/ (the default asset directory of the plugin id) and mounts
 * {@link TaskCardResource} under /camunda/api/cockpit/plugin/cumulus/.
 */
public class CumulusCockpitPlugin extends AbstractCockpitPlugin {

  /** The plugin id: the asset directory, the API path and the script's package name in Cockpit. */
  public static final String ID = "cumulus";

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public Set<Class<?>> getResourceClasses() {
    return Set.of(TaskCardResource.class);
  }
}
