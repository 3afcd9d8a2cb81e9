import { z } from "zod";

/**
 * How the home school registers a partnership pupil's sessions away from school (docs/domain.md, Attendance):
 * `B` when the school commissioned the provision (usual), `K` when the local authority arranged it,
 * `D` when the pupil is dual registered at another school. Stored per placement, never assumed.
 */
export const attendanceBasisSchema = z.enum(["B", "K", "D"]);
export type AttendanceBasis = z.infer<typeof attendanceBasisSchema>;

/** Where a pupil is expected to be on a given day of a placement's weekly pattern. */
export const placementLocationLabels = {
  centre: "Partnership centre",
  alternativeProvision: "Alternative provision",
  homeSchool: "Home school",
  none: "Not timetabled",
} as const;
export type PlacementLocation = keyof typeof placementLocationLabels;
export const placementLocations = Object.keys(placementLocationLabels) as [PlacementLocation, ...PlacementLocation[]];
export const placementLocationSchema = z.enum(placementLocations);
