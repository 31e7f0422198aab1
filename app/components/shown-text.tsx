// The words a cookie banner showed (a kept ShownCookieText), folded away under a summary: they
// are long, and only wanted when someone asks what a consent answered.
export type ShownTextView = {
  locale: string;
  title: string;
  body: string;
  categories: { key: string; name: string; description: string }[];
};

export function ShownTextDetails({ shown, summary }: { shown: ShownTextView; summary: string }) {
  return (
    <details className="shown-text">
      <summary>{summary}</summary>
      <div lang={shown.locale}>
        <p>
          <strong>{shown.title}</strong>
        </p>
        <p>{shown.body}</p>
        <ul>
          {shown.categories.map((category) => (
            <li key={category.key}>
              <strong>{category.name}</strong> ({category.key}) — {category.description}
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
