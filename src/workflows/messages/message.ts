/** What an email says: its subject (case references and schools only, never a pupil) and its HTML body. */
export interface Message {
  subject: string;
  html: string;
}
