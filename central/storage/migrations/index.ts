import type { Migration } from 'kysely';
import * as m001 from './001_initial';
import * as m002 from './002_card_vault';
import * as m003 from './003_revocations_and_enrolment_throttle';
import * as m004 from './004_held_mutations';
import * as m005 from './005_mutation_ids';
import * as m006 from './006_record_history';
import * as m007 from './007_erasure';
import * as m008 from './008_erasure_acks';
import * as m009 from './009_erasure_scope';
import * as m010 from './010_inquiry_mail';
import * as mTeamsAndAdmin from './011_teams_and_admin';
// issue 14: privacy-policy versions
import * as mPolicyVersions from './012_policy_versions';
import * as mSecondFactor from './013_second_factor';
import * as mAuditViewIndexes from './014_audit_view_indexes';
// issue 15: PostgreSQL keeps no samples of customer values
import * as mNoValueStatistics from './015_no_value_statistics';
// issue 15: the first sync's snapshot pages the records of no customer
import * as mRecordsWithoutCustomer from './016_records_without_customer';
// issue 16: each desk's chain of offline reads
import * as mViewChains from './017_view_chains';

/**
 * The numbered migrations, in order. Listed here rather than read from the folder so that a
 * bundled build carries them too. Add a file `NNN_what.ts` and a line below; never edit a shipped one.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '001_initial': m001,
  '002_card_vault': m002,
  '003_revocations_and_enrolment_throttle': m003,
  '004_held_mutations': m004,
  '005_mutation_ids': m005,
  '006_record_history': m006,
  '007_erasure': m007,
  '008_erasure_acks': m008,
  '009_erasure_scope': m009,
  '010_inquiry_mail': m010,
  '011_teams_and_admin': mTeamsAndAdmin,
  '012_policy_versions': mPolicyVersions,
  '013_second_factor': mSecondFactor,
  '014_audit_view_indexes': mAuditViewIndexes,
  '015_no_value_statistics': mNoValueStatistics,
  '016_records_without_customer': mRecordsWithoutCustomer,
  '017_view_chains': mViewChains,
};
