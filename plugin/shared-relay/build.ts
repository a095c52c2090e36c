import { gitCommit, version } from '../version-info.ts';

/** The kubectl-sock build: a relay of another build is another relay (it runs other code). */
export const BUILD = `${version}+${gitCommit}`;
