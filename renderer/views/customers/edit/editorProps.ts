export interface EditorProps {
  customer: Record<string, unknown>;
  onSave: (changes: Record<string, unknown>, reason: string) => Promise<unknown>;
  onClose: (saved: boolean) => void;
}
