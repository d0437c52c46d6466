import { describe, expect, it } from 'vitest';
import { defaultEnrolmentUrl } from '../../domain';

describe('the enrolment listener a workstation looks for when not told', () => {
  it.each([
    ['https://central.example:8443', 'https://central.example:8444'],
    ['https://central.example', 'https://central.example:444'],
    ['https://127.0.0.1:43211/', 'https://127.0.0.1:43212'],
    ['https://[::1]:8443', 'https://[::1]:8444'],
  ])('%s → %s', (server, enrolment) => {
    expect(defaultEnrolmentUrl(server)).toBe(enrolment);
  });
});
