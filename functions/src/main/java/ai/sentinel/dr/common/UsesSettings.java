package ai.sentinel.dr.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The settings sections a handler reads, when they are not simply its own scenario's: a handler in a scenario's
 * package gets that scenario's section without saying so ({@link SettingsSections#readBy(Class)}). The CDK app gives
 * each function only the sections it reads (Lambda allows 4 KB of environment variables per function).
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UsesSettings {
  /** The sections read. */
  Class<? extends Settings>[] value() default {};

  /** Every section the environment has (the responders classify signals for every scenario). */
  boolean all() default false;
}
