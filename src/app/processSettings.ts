import { loadSettings, type Settings } from "../settings/settings";
import type { FormDefinition } from "../domain/referral/formDefinition";
import { loadFormDefinition } from "./formDefinition";

/**
 * The app's settings, parsed once when the first function module loads. A bad setting throws here, so the
 * Functions host refuses to start the app and shows the message naming the setting (fail fast at start-up,
 * not on the first request that happens to read it).
 */
export const settings: Settings = loadSettings(process.env);

/** The Referral Form definition answers are mapped with, checked at start-up as the settings are. */
export const formDefinition: FormDefinition = loadFormDefinition(settings.REFERRAL_FORM_DEFINITION);
