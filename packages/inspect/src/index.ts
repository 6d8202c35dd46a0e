/**
 * `@vmstate/inspect`: forensic views of a migration stream (what is in it, what differs,
 * why a destination would refuse it), as data; the CLI only formats them.
 */
export {};
