const count = new Intl.NumberFormat('en-US');

/**
 * The head of the result list. At a million customers a fragment matches hundreds: when the list
 * is cut the rep is told how many matched ("25 of 340 customers", "25 of 1,000+ customers" past
 * the count's cap), so they know to add a word ("4151 breit") rather than scroll.
 */
export function resultsSummary(shown: number, total: number | null, capped: boolean): string {
  // a cut list is shown before its matches are counted (customers.count)
  if (total === null) return `${count.format(shown)} of more customers (counting…)`;
  if (capped || total > shown) return `${count.format(shown)} of ${count.format(Math.max(total, shown))}${capped ? '+' : ''} customers`;
  return `${count.format(shown)} ${shown === 1 ? 'customer' : 'customers'}`;
}
