package dev.cumulus.console;

import dev.cumulus.directory.AgentStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The pollers' cursors over task_event and agent_change: ids are taken before commit, so with several
 * nodes a row with a smaller id can commit after one with a bigger id was read. Such a row must still
 * reach the pages (here: its poll reports its service or user), not be skipped by the cursor.
 */
class LiveUpdatesCursorTest {

  JdbcTemplate jdbc;
  LiveUpdates live;

  @BeforeEach
  void setUp() {
    var db = new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:cursor-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    jdbc = new JdbcTemplate(db);
    jdbc.execute("create table external_task (id varchar(36) primary key, service_upn varchar(128), assigned_user_upn varchar(128))");
    jdbc.execute("create table task_event (id bigint primary key, task_id varchar(36), actor varchar(128), event varchar(32), detail varchar(8192))");
    jdbc.execute("create table agent_change (id bigint primary key, user_upn varchar(128), kind varchar(16), occurred_at timestamp with time zone)");
    var properties = new ConsoleProperties(Duration.ofMillis(300), Duration.ofSeconds(15), Duration.ofSeconds(10), 200, Duration.ofDays(1));
    live = new LiveUpdates(jdbc, mock(AgentStore.class), mock(ConsoleReads.class), new ObjectMapper(), properties, Clock.systemUTC());
    assertThat(live.readChanges().users()).as("the first poll only places the cursor").isEmpty();
  }

  @Test
  void anAgentChangeThatCommitsAfterALaterOneIsStillReported() {
    agentChange(2, "bob@contoso.test");
    assertThat(live.readChanges().users()).containsExactly("bob@contoso.test");

    agentChange(1, "ann@contoso.test"); // its id was taken first, its transaction committed last

    assertThat(live.readChanges().users()).containsExactly("ann@contoso.test");
    assertThat(live.readChanges().users()).as("reported once").isEmpty();
  }

  @Test
  void aTaskEventThatCommitsAfterALaterOneIsStillReported() {
    jdbc.update("insert into external_task values ('t1', 'sales@contoso.test', null), ('t2', 'support@contoso.test', null)");
    taskEvent(2, "t2");
    assertThat(live.readChanges().services()).containsExactly("support@contoso.test");

    taskEvent(1, "t1");

    assertThat(live.readChanges().services()).containsExactly("sales@contoso.test");
    assertThat(live.readChanges().services()).as("reported once").isEmpty();
  }

  private void agentChange(long id, String user) {
    jdbc.update("insert into agent_change (id, user_upn, kind, occurred_at) values (?, ?, 'Presence', current_timestamp)", id, user);
  }

  private void taskEvent(long id, String taskId) {
    jdbc.update("insert into task_event (id, task_id, actor, event, detail) values (?, ?, null, 'Queued', null)", id, taskId);
  }
}
