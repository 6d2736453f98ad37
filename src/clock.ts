/** Where every use-case reads the time, so tests can fix it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
