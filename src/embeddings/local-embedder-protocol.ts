/** Messages between the local embedder and its worker thread. Types only. */

export interface EmbedRequestMessage {
  id: number;
  texts: string[];
}

export type EmbedReplyMessage =
  | {
      id: number;
      /** The batch's unit vectors end to end (`texts.length × dimensions` floats), transferred. */
      vectors: Float32Array;
      dimensions: number;
    }
  | { id: number; error: string };
