/** An image's shape, height × width × channels (NHWC without the batch). */
export type ImageShape = [height: number, width: number, channels: number];
