import { deviceId } from '../deviceId.js';
import type { Device as DeviceModel } from '../model.js';

export const Device = {
  id: (device: DeviceModel) => deviceId(device.token),
  registeredAt: (device: DeviceModel) => device.createdAt.toISOString(),
  lastSeenAt: (device: DeviceModel) => device.lastSeenAt.toISOString(),
};
