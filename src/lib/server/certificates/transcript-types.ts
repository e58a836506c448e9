import type { CertificateKind, CertificateTitle } from './content.ts';
import type { CourseInProgress } from './learning-record.ts';

/**
 * The transcript's shape, apart from how it is gathered (transcript.ts) and
 * drawn (transcript-pdf.ts), so the two do not import each other.
 */

export interface TranscriptAssessment {
  title: string;
  percent: number;
  passed: boolean;
  /** YYYY-MM-DD of the best result. */
  on: string;
}

export interface TranscriptCourse {
  courseId: string;
  title: CertificateTitle;
  hours: number;
  /** YYYY-MM-DD. */
  completedOn: string;
  /** The education provider of the programme the course was taken in, if any. */
  provider: string | null;
  /** The module certificate's serial, when one is valid. */
  serial: string | null;
  assessments: TranscriptAssessment[];
}

export interface TranscriptDocument {
  serial: string;
  kind: CertificateKind;
  title: CertificateTitle;
  issuedOn: string;
  revoked: boolean;
}

export interface Transcript {
  holderName: string;
  /** YYYY-MM-DD. */
  generatedOn: string;
  /** Completed courses, oldest first. */
  courses: TranscriptCourse[];
  /** Hours of the completed courses. */
  totalHours: number;
  /** Courses begun and not completed (studied now, or left with something done). */
  inProgress: CourseInProgress[];
  documents: TranscriptDocument[];
}
