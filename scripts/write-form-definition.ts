import { referralFormDefinition } from "../src/domain/referral/formDefinition";
import { writeFileSync } from "node:fs";
writeFileSync("forms/referral-form.json", JSON.stringify(referralFormDefinition(), null, 2) + "\n");
