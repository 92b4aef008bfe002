/** Installs Debian packages with apt-get and returns true, or returns false when not root. */
export declare function aptInstall(packages: string[], why: string): boolean;
