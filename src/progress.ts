/** Hears how far a long operation has come: `done` of `total` steps of what `label` names. */
export type Progress = (label: string, done: number, total: number) => void
