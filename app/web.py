"""The web app: for now a search page over the knowledge base.

Everything shown from a document is HTML-escaped: documents are data from outside and may
hold markup that must never run in a visitor's browser.
"""

from __future__ import annotations

import html

import gradio as gr

from kb.api import KnowledgeBase
from kb.search import SearchHit

MAX_QUERY_CHARS = 500


def render_hits(hits: list[SearchHit]) -> str:
    """Hits as escaped HTML: title, page or section, and the passage."""
    if not hits:
        return "<p>Tidak ada hasil. / No results.</p>"
    blocks = []
    for rank, hit in enumerate(hits, start=1):
        where = f"hal. {hit.page}" if hit.page else (hit.section or "")
        blocks.append(
            "<div class='kb-hit'>"
            f"<p><b>{rank}. {html.escape(hit.title)}</b> <small>({html.escape(hit.source)}"
            f"{', ' + html.escape(where) if where else ''}; skor {hit.score:.2f})</small></p>"
            f"<p>{html.escape(' '.join(hit.text.split()))}</p>"
            "</div>"
        )
    return "\n".join(blocks)


def build_app(knowledge_base: KnowledgeBase) -> gr.Blocks:
    def search(query: str) -> str:
        query = (query or "").strip()[:MAX_QUERY_CHARS]
        if not query:
            return ""
        return render_hits(knowledge_base.search(query, k=5))

    def search_api(query: str, k: int = 10) -> list[dict]:
        """Hits as in `kb search --json`."""
        return [hit.to_dict() for hit in knowledge_base.search(query[:MAX_QUERY_CHARS], k=max(1, min(int(k), 50)))]

    with gr.Blocks(title="Basis Pengetahuan Migrasi") as demo:
        gr.Markdown("## Basis Pengetahuan Tata Kelola Migrasi\nCari dalam dokumen IOM, GCM, dan peraturan Indonesia.")
        query = gr.Textbox(label="Pertanyaan / Question", placeholder="Sejak kapan IOM hadir di Indonesia?")
        button = gr.Button("Cari / Search", variant="primary")
        results = gr.HTML()
        button.click(search, inputs=query, outputs=results, api_name=False)
        query.submit(search, inputs=query, outputs=results, api_name=False)
        gr.api(search_api, api_name="search")
    return demo


def serve(knowledge_base: KnowledgeBase, *, host: str, port: int) -> None:
    """Load the model before listening, so the first visitor does not wait for it."""
    knowledge_base.search("warm-up", k=1)
    app = build_app(knowledge_base)
    print(f"Serving the knowledge base at http://{host}:{port}", flush=True)
    app.queue(default_concurrency_limit=4).launch(server_name=host, server_port=port, show_error=False)
