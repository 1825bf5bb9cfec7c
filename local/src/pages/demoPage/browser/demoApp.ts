// The demo page's script, bundled for browsers by esbuild when the page is first asked for. It talks to the API only
// through @imgrec/client, as an application would.
import {
  ImgrecApiError,
  createImgrecClient,
  type BlobResult,
  type CreateBlobRequest,
  type ImgrecClient,
} from '@imgrec/client';
import { faceCaption, overlayBoxes } from './overlayBoxes/overlayBoxes.js';

type Feature = NonNullable<CreateBlobRequest['features']>[number];

const find = <T extends Element>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};

/** A new element with a class and text; enough for the few elements this page makes. */
const make = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  if (options.className !== undefined) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  element.append(...children);
  return element;
};

const keyInput = find<HTMLInputElement>('#api-key');
const fileInput = find<HTMLInputElement>('#files');
const dropZone = find<HTMLElement>('#drop-zone');
const uploadList = find<HTMLOListElement>('#uploads');
const recentRows = find<HTMLTableSectionElement>('#recent tbody');
const recentStatus = find<HTMLElement>('#recent-status');
const originNotice = find<HTMLElement>('#origin-notice');

/** A client for the key in the field now: the key may change between two uploads. */
const client = (): ImgrecClient => createImgrecClient({ apiUrl: location.origin, apiKey: keyInput.value.trim() });

const selectedFeatures = (): Feature[] =>
  [...document.querySelectorAll<HTMLInputElement>('input[name="feature"]:checked')].map(
    (input) => input.value as Feature,
  );

const describeError = (error: unknown): string => {
  if (error instanceof ImgrecApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
};

const percent = (confidence: number) => `${confidence.toFixed(1)}%`;

/** The upload URLs point at the server's public URL; a page opened under another name cannot reach it. */
const checkOrigin = () => {
  const publicOrigin = document.querySelector<HTMLMetaElement>('meta[name="imgrec-public-origin"]')?.content;
  if (publicOrigin === undefined || publicOrigin === location.origin) return;
  const link = make('a', { text: `${publicOrigin}/` });
  link.href = `${publicOrigin}/`;
  originNotice.replaceChildren(`Uploads go to ${publicOrigin}, which this page cannot reach from here: open `, link);
  originNotice.hidden = false;
};

// Recent blobs ---------------------------------------------------------------------------------------------------

let listing = 0;

/** Fills the recent blobs table from GET /blobs; a later call wins over one still in flight. */
const refreshRecent = async () => {
  const call = ++listing;
  if (keyInput.value.trim() === '') {
    recentStatus.textContent = 'Enter an API key to list your blobs.';
    recentRows.replaceChildren();
    return;
  }
  recentStatus.textContent = 'Loading…';
  try {
    const page = await client().list({ limit: 10 });
    if (call !== listing) return;
    recentRows.replaceChildren(
      ...page.data.map((blob) => {
        const row = make(
          'tr',
          {},
          make('td', {}, make('code', { text: blob.blob_id })),
          make('td', { text: blob.status }),
          make('td', { text: (blob.labels ?? []).slice(0, 5).join(', ') || (blob.error?.code ?? '') }),
          make('td', {}, make('time', { text: new Date(blob.created_at).toLocaleString() })),
        );
        row.dataset.blobId = blob.blob_id;
        return row;
      }),
    );
    recentStatus.textContent = page.data.length === 0 ? 'No blobs yet.' : `The ${page.data.length} newest blobs.`;
  } catch (error) {
    if (call !== listing) return;
    recentStatus.textContent = `Could not list the blobs: ${describeError(error)}`;
  }
};

// One uploaded image ---------------------------------------------------------------------------------------------

interface UploadCard {
  setBlobId(blobId: string): void;
  setStatus(status: string, text: string): void;
  setProgress(fraction: number): void;
  showResult(blob: BlobResult): void;
}

const addCard = (file: File): UploadCard => {
  const image = make('img');
  image.src = URL.createObjectURL(file);
  image.alt = file.name;
  const boxes = make('div', { className: 'boxes' });
  const frame = make('div', { className: 'frame' }, image, boxes);
  const blobId = make('code');
  const status = make('p', { className: 'status' });
  const progress = make('progress');
  progress.max = 1;
  progress.value = 0;
  progress.setAttribute('aria-label', `Upload of ${file.name}`);
  const results = make('div', { className: 'results' });
  const card = make(
    'li',
    { className: 'upload' },
    frame,
    make(
      'div',
      { className: 'details' },
      make('h3', { text: file.name }),
      make('p', {}, blobId),
      status,
      progress,
      results,
    ),
  );
  uploadList.prepend(card);

  const list = (title: string, items: string[]) =>
    make(
      'section',
      {},
      make('h4', { text: title }),
      items.length === 0
        ? make('p', { text: 'None found.' })
        : make('ol', {}, ...items.map((text) => make('li', { text }))),
    );

  return {
    setBlobId: (id) => {
      card.dataset.blobId = id;
      blobId.textContent = id;
    },
    setStatus: (value, text) => {
      card.dataset.status = value;
      status.textContent = text;
      progress.hidden = value !== 'uploading';
    },
    setProgress: (fraction) => {
      progress.value = fraction;
    },
    showResult: (blob) => {
      boxes.replaceChildren(
        ...overlayBoxes(blob).map((box) => {
          const element = make('div', { className: `box box-${box.kind}` }, make('span', { text: box.caption }));
          element.dataset[box.kind] = box.name;
          // Positions set through the style object, which the CSP allows, unlike style attributes in markup.
          element.style.left = `${box.left}%`;
          element.style.top = `${box.top}%`;
          element.style.width = `${box.width}%`;
          element.style.height = `${box.height}%`;
          return element;
        }),
      );
      const sections: HTMLElement[] = [];
      if (blob.label_details !== undefined) {
        sections.push(
          list(
            'Labels',
            blob.label_details.map((label) => `${label.name} ${percent(label.confidence)}`),
          ),
        );
      }
      if (blob.text !== undefined) {
        sections.push(
          list(
            'Text',
            blob.text.map((line) => `${line.text} (${percent(line.confidence)})`),
          ),
        );
      }
      if (blob.faces !== undefined) {
        sections.push(list('Faces', blob.faces.map(faceCaption)));
      }
      results.replaceChildren(...sections);
    },
  };
};

const label = async (file: File) => {
  const card = addCard(file);
  card.setStatus('uploading', 'Uploading…');
  const api = client();
  try {
    const upload = await api.upload(file, {
      features: selectedFeatures(),
      onUploadProgress: ({ loaded, total }) => card.setProgress(total > 0 ? loaded / total : 0),
    });
    card.setBlobId(upload.blob_id);
    card.setStatus('processing', 'Processing…');
    void refreshRecent();
    const blob = await api.waitFor(upload.blob_id);
    if (blob.status === 'succeeded') {
      const found = (blob.label_details?.length ?? 0) + (blob.text?.length ?? 0) + (blob.faces?.length ?? 0);
      card.setStatus('succeeded', found === 0 ? 'Succeeded: nothing recognised.' : 'Succeeded.');
    } else {
      card.setStatus(blob.status, `${blob.status}${blob.error ? `: ${blob.error.code} (${blob.error.message})` : ''}`);
    }
    card.showResult(blob);
  } catch (error) {
    card.setStatus('failed', `Failed: ${describeError(error)}`);
  }
  void refreshRecent();
};

const labelAll = (files: FileList | null) => {
  for (const file of files ?? []) void label(file);
};

// Wiring ---------------------------------------------------------------------------------------------------------

fileInput.addEventListener('change', () => {
  labelAll(fileInput.files);
  // Choosing the same file again is a new upload.
  fileInput.value = '';
});
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  labelAll(event.dataTransfer?.files ?? null);
});
keyInput.addEventListener('change', () => void refreshRecent());
find<HTMLButtonElement>('#refresh').addEventListener('click', () => void refreshRecent());

checkOrigin();
void refreshRecent();
