/**
 * GET /api/assessment (the month's 考核 of a region) as the API answers it, declared once: the
 * server builds it (services/assessment.ts) and the web client reads it. Types only.
 */
import type { Assessed, AssessmentRules } from '../staff/assessment.js';

export type { Assessed };

export interface WorkerAssessment extends Assessed {
  staffId: number;
  name: string;
  duty: string;
  gridCodes: string[];
}

export interface GridAssessment extends Assessed {
  code: string;
  name: string;
  kind: string;
}

export interface Assessment {
  region: string;
  month: string;
  from: string;
  to: string;
  rules: AssessmentRules;
  workers: WorkerAssessment[];
  grids: GridAssessment[];
}
