/** A row of mutually exclusive tool buttons (ARIA radio group), shared by the maze and ARC editors. */
export interface ToolOption<T extends string> {
  id: T;
  label: string;
  title: string;
}

export function ToolGroup<T extends string>({ label, tools, value, onChange }: { label: string; tools: ToolOption<T>[]; value: T; onChange: (id: T) => void }) {
  return (
    <div role="radiogroup" aria-label={label} className="flex gap-1">
      {tools.map((t) => (
        <button
          key={t.id}
          type="button"
          role="radio"
          aria-checked={value === t.id}
          title={t.title}
          onClick={() => onChange(t.id)}
          className={`px-2.5 py-1 rounded text-sm border ${value === t.id ? 'bg-sky-700 border-sky-500' : 'bg-slate-800 border-slate-700 hover:bg-slate-700'}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
