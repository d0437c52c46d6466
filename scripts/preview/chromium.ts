/**
 * Debian's Chromium, as the e2e suite and the console preview launch it. Without the
 * background-networking flags it keeps trying hosts this closed network refuses (TOOLCHAIN.md).
 */
export const CHROMIUM_PATH = process.env.CAREDESK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
