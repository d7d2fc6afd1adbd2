/**
 * Scenario 5's database engine, plain JDBC (pgjdbc), no AWS: the steps of {@code corruption} call it with a
 * connection to the clean copy and one to live.
 *
 * <ul>
 *   <li>{@link ai.sentinel.dr.corruption.sql.TableSpec}: a table of cdk.json {@code dataCorruption.tables}.
 *   <li>{@link ai.sentinel.dr.corruption.sql.Condition}: structured (column, operator from a fixed list, values;
 *       or a window on the timestamp column); a list means all of them. {@code Condition.check} rejects unknown
 *       tables, columns, operators, values of the wrong type and tables without the configured primary key with a
 *       {@link ai.sentinel.dr.errors.StepFailedError}, before anything is read or changed.
 *   <li>{@link ai.sentinel.dr.corruption.sql.CorruptionTimeline} (Diagnose) and
 *       {@link ai.sentinel.dr.corruption.sql.TableChecks} (before/after): the runbook's queries.
 *   <li>{@link ai.sentinel.dr.corruption.sql.TableCompare}: {@code start}, then {@code advance} until
 *       {@code done()} (each call stops after the deadline; the {@link
 *       ai.sentinel.dr.corruption.sql.CompareProgress} is JSON for the recovery document), {@code diff()} gives the
 *       {@link ai.sentinel.dr.corruption.sql.TableDiff}.
 *   <li>{@link ai.sentinel.dr.corruption.sql.TableRepair}: {@code selective} (the diff's rows that match the
 *       conditions), {@code full}, and {@code planSelective}/{@code planFull} (the counts, nothing changed).
 * </ul>
 *
 * <p>Everything is JSON-serialisable with the project's mapper and stays small (bounded samples and scopes).
 */
package ai.sentinel.dr.corruption.sql;
